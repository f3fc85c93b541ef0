"""Sign-language video, captions and transcripts attached to pages (MediaAsset): the editors'
upload pages, checking what is uploaded, keeping the files and serving them."""
