"""“这个页面有用吗？”: the small form on the self-check's result and the guides."""
