"""The interview: from the seller's answers to a complete Case, one question type at a time."""
