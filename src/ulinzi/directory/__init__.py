"""Services and referral pathways: who offers what help, where, in which languages."""
