"""The cases API: ``/cases``, ``/referrals`` and ``/complaints`` routers."""
