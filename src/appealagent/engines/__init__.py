"""Drafting engines behind one protocol: each turns a Case into a drafted letter."""
