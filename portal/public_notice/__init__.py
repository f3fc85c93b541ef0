"""The public notice (公示) of approved 两项补贴 recipients – a public page."""
