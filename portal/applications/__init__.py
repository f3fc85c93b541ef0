"""The applications domain (architecture.md: drafts, applications, typed answers, documents,
references, duplicates, the status machine). For now it holds the typed answers
(`answers.py`); the other modules move here in a later step of issue #17."""
