"""A drafted letter in the formats a seller uses: text, Markdown, JSON, Word; and reading letters back."""
