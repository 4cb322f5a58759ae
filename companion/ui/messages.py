"""User-facing words of the app shell, in one place so they can be reviewed together."""

WELCOME_TITLE = "Welcome to Health Companion"
WELCOME_TEXT = (
    "Health Companion keeps your health record on this computer only. It is locked with a "
    "passphrase that only you know, and nothing is ever sent over the internet.\n\n"
    "First we create your profile. It takes about a minute."
)
DISK_ENCRYPTION_TIP = (
    "Tip: turn on your computer's disk encryption too (BitLocker, FileVault or LUKS). "
    "It protects temporary copies the operating system may make."
)
NAME_VISIBLE_NOTE = (
    "The profile name is shown on the unlock screen so you can pick your profile, so it is "
    "stored without encryption. Everything else is encrypted."
)
PASSPHRASE_INTRO = (
    "Choose a passphrase: a few words that only you know. Longer is stronger. "
    "You will type it each time you open Health Companion."
)
CREATING = "Creating your encrypted profile…"
UNLOCK_TITLE = "Unlock your health record"
UNLOCKING = "Unlocking…"
READ_ONLY_BANNER = "Caregiver access: you can look, but not change anything."
LOCKED_NOTICE = "Locked. Your record is closed and encrypted."
RESET_INTRO = (
    "You opened your profile with the recovery code. Choose a new passphrase now. "
    "You will also get a new recovery code; the old one stops working."
)
CAREGIVER_EXPLANATION = (
    "A caregiver gets their own passphrase. With it they can read this record and its plans, "
    "but cannot change or delete anything."
)
