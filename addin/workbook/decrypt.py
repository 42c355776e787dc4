"""Open a workbook that Excel encrypted with its own default password.

Excel encrypts with the built-in password "VelvetSweatshop" when a workbook is only
write-protected (“修改权限密码”) or marked read-only: Excel opens such a file without asking,
so the staff cannot see that anything is wrong with it. msoffcrypto-tool decrypts it (the
ECMA-376 encryption of .xlsx, RC4 and XOR obfuscation of .xls) in memory. A file with a real
open password keeps the message that asks for the password to be removed.
"""

from __future__ import annotations

import io
from pathlib import Path

from .model import UnreadableWorkbook

DEFAULT_PASSWORD = "VelvetSweatshop"
# Excel hashes the password 100,000 times; a file asking for more would only cost time
# (seconds per million rounds in pure Python) and is no default-password file.
MAX_SPIN = 100_000
PASSWORD = "文件设置了打开密码，无法读取；请取消密码后重新提交"
LEGACY_PASSWORD = "文件设置了密码（旧版 Excel 的加密或混淆），无法读取；请取消密码后重新提交"


def decrypt_default(path: Path) -> io.BytesIO:
    """The decrypted file, or UnreadableWorkbook when the password is not Excel's default."""
    try:
        import msoffcrypto
        from msoffcrypto.exceptions import InvalidKeyError
    except ImportError as exc:  # an installation without it: the message stays the same
        raise UnreadableWorkbook(PASSWORD) from exc
    with path.open("rb") as handle:
        try:
            office = msoffcrypto.OfficeFile(handle)
        except Exception as exc:  # msoffcrypto raises several types for what it cannot parse
            raise UnreadableWorkbook(PASSWORD) from exc
        refused = PASSWORD if office.format == "ooxml" else LEGACY_PASSWORD
        if getattr(office, "info", {}).get("spinValue", 0) > MAX_SPIN:
            raise UnreadableWorkbook(refused)
        try:
            if office.format == "ooxml":
                office.load_key(password=DEFAULT_PASSWORD, verify_password=True)
            else:
                office.load_key(password=DEFAULT_PASSWORD)
            plain = io.BytesIO()
            office.decrypt(plain)
        except InvalidKeyError as exc:
            raise UnreadableWorkbook(refused) from exc
        except Exception as exc:  # a damaged encryption header, an unsupported cipher
            raise UnreadableWorkbook(refused) from exc
    plain.seek(0)
    return plain
