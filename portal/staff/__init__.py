"""The staff console (受理-审核-审定): queues, the application view, actions, audit, accounts."""
