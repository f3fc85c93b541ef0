"""Sign-language video, captions and transcripts: storage, checks, publishing, coverage."""
