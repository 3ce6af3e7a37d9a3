"""The registry: households, their members, poverty status and labour capacity histories (nothing is deleted)."""
