"""Content the portal publishes: sign-language video, captions and transcripts (media),
the plan's indicators, the district's streets, accessibility reports."""
