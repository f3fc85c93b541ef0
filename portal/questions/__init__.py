"""在线咨询: questions in writing (with an optional sign-language video), answered by staff
from a queue, on the portal and by text; frequent ones published on the programme's guide."""
