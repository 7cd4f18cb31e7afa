"""The letter corpus: built-in and user letters, their format, and retrieval of the closest ones."""
