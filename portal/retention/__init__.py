"""Retention (个人信息保护法 第十九条、第四十七条) and the person's requests
(第四十六条、第四十七条).

policy.py   the periods per kind of record, with their legal basis (portal/data/retention.yaml)
erasure.py  the one place that deletes or anonymises a person's records, for the scheduled
            task and for a person's deletion request alike
sweep.py    the scheduled task (and `flask retention`): what is past its period goes, audited
models.py   DataRequest – a person's request for correction or deletion
requests.py asking, the staff queue (every view audited), deciding, telling the person
"""
