"""After Amazon answers an appeal: record its reply, ask only what it asks, draft the next letter and report what changed."""
