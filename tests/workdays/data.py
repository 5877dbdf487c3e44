from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
