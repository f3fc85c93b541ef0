"""The online application journey (网上申请): choose a programme and a person, a task list of
short sections saved as a draft at every step, documents, check answers, submit, receipt."""
