"""Sign-language video, captions and transcripts attached to pages (MediaAsset)."""
