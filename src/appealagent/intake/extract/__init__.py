"""The extractors: each pulls one kind of fact (IDs, dates, metrics, deadlines, documents, marketplace…) out of a `NoticeText`."""
