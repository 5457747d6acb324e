"""Notebook 06's widget and views: sign a message, tamper with it, recover the signer.

    w = SignatureLab()      # a private key, a message, a tampered copy, a Sign button
    print(w.summary())      # who signed, who the tampered copy points to

All cryptography is primitives.keys (secp256k1 through eth-keys); this module
only wires controls to it and formats what comes back.
"""
from __future__ import annotations

import html
import string

import ipywidgets as widgets
from IPython.display import display

from primitives.hashing import keccak256
from primitives.keys import KeyPair, Signature, hash_message, recover_address, to_checksum_address

from .message import message_html

# web3.js documentation's example key (data/ethereum_keys.json): public, never use it for value.
EXAMPLE_PRIVATE_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def eip55_table(address: str) -> str:
    """Show, digit by digit, why EIP-55 writes each letter upper or lower case.

    Row 1: the address in lower case; row 2: keccak256 of that *text*, one hex
    digit per address digit; row 3: the checksummed address. A letter is upper
    case where the hash digit below it is 8 or more; digits 0-9 have no case.
    """
    lower = address.removeprefix("0x").removeprefix("0X").lower()
    digest = keccak256(lower.encode("ascii")).hex()[:40]
    checksummed = to_checksum_address(lower)[2:]
    marks = "".join("^" if c != c.lower() else " " for c in checksummed)
    return "\n".join([f"lower case   0x{lower}",
                      f"keccak256    0x{digest}   (of the 40 lower-case characters)",
                      f"EIP-55       0x{checksummed}",
                      f"upper case     {marks}   (letters whose hash digit is 8-f)"])


class SignatureLab:
    """Sign a message with a key, then check the signature on the message and on a tampered copy."""

    def __init__(self, *, private_key: str = EXAMPLE_PRIVATE_KEY, message: str = "GeneratePower 10",
                 tampered: str = "GeneratePower 1000"):
        """Build the controls and sign once with these values."""
        self.private_key = widgets.Text(value=private_key, description="private key",
                                        layout=widgets.Layout(width="70%"))
        self.new_key_button = widgets.Button(description="new random key")
        self.message = widgets.Text(value=message, description="message")
        self.tampered = widgets.Text(value=tampered, description="tampered")
        self.button = widgets.Button(description="Sign and verify", button_style="primary")
        self.status = widgets.HTML()
        self.keypair: KeyPair | None = None
        self.signature: Signature | None = None
        self.recovered = ""             # address recovered from (message, signature)
        self.tampered_recovered = ""    # address recovered from (tampered message, same signature)
        self.error = ""
        self.button.on_click(lambda _: self.update())
        self.new_key_button.on_click(lambda _: self.new_key())
        self.widget = widgets.VBox([widgets.HBox([self.private_key, self.new_key_button]),
                                    self.message, self.tampered, self.button, self.status])
        self.update()

    @property
    def valid(self) -> bool:
        """The signature recovers the key's own address from the message."""
        return bool(self.keypair) and self.recovered == self.keypair.address

    @property
    def tampered_valid(self) -> bool:
        """The same signature also recovers the key's address from the tampered text."""
        return bool(self.keypair) and self.tampered_recovered == self.keypair.address

    def new_key(self) -> None:
        """Put a fresh random private key in the box and sign again."""
        self.private_key.value = KeyPair.generate().private_key.hex()
        self.update()

    def update(self) -> None:
        """Sign the message and recover the signer of both texts (synchronous)."""
        text = self.private_key.value.strip().removeprefix("0x")
        try:
            if not text or len(text) > 64 or any(c not in string.hexdigits for c in text):
                raise ValueError(f"a private key is up to 64 hex digits (32 bytes), not {text[:70]!r}")
            self.keypair = KeyPair.from_private_key(text)
        except ValueError as exc:
            self.keypair, self.signature, self.recovered, self.tampered_recovered = None, None, "", ""
            self.error = f"that private key does not work: {exc}"
        else:
            self.error = ""
            self.signature = self.keypair.sign_message(self.message.value)
            self.recovered = recover_address(self.message.value, self.signature)
            self.tampered_recovered = recover_address(self.tampered.value, self.signature)
        self.status.value = message_html(self.error) or f"<pre>{html.escape(self.summary())}</pre>"

    def summary(self) -> str:
        """Plain text: key's address, signature, and who each text recovers to."""
        if self.keypair is None:
            return f"no signature: {self.error}"
        same = self.message.value == self.tampered.value
        verdict = ("the same text, so the same signer" if same else
                   "a different address: the signature does not fit the tampered text"
                   if not self.tampered_valid else "the signer again?!")
        return "\n".join([
            f"key's address     {self.keypair.address}",
            f"message           {self.message.value!r}",
            f"EIP-191 hash      0x{hash_message(self.message.value).hex()}",
            f"signature (r,s,v) {self.signature.to_hex()}",
            f"recovered signer  {self.recovered}  "
            f"{'✔ matches the key' if self.valid else '✘ does not match'}",
            f"tampered text     {self.tampered.value!r}",
            f"recovers to       {self.tampered_recovered}  ({verdict})",
        ])

    def _ipython_display_(self) -> None:
        display(self.widget)
