"""在线咨询 pages: asking in writing, the asker's answer page, a resident's questions."""
