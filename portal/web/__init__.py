"""HTTP plumbing, gathered: security headers, error pages, languages, display settings in
templates, rate limits, the page cache, file delivery, the base form and field validators."""
