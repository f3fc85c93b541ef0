"""The public 规划指标 page: the plan's main indicators, with charts and tables."""
