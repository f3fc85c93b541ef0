"""Benefits after approval (精准发放): recipients (在册), rates in force, payment rolls (发放名册).

    rates.rate_in_force(programme, band, month)  the monthly rate in force (programme files)
    recipients.enrol(application, actor)          the recipient record, when payment starts
    rolls.build / confirm / import_bank_result    the monthly roll and the bank's answer

No Flask request inside; plain functions that a web view or a background task calls.
"""
