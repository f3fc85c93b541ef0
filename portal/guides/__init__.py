"""办事指南 – one service guide per programme, generated from its programme file."""
