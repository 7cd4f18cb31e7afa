"""Facts in text: IDs, dates, numbers, references and e-mails, found and compared one way everywhere."""
