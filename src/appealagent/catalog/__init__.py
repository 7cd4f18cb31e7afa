"""The shipped data files (metrics, wording, rules) and their one loader."""
