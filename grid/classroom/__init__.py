"""Class mode: a class of students on one chain, each from their own laptop or phone, each only as themselves.

    python -m grid class --students 30 --out class/      (make class)

provision   the contracts, one prosumer account per student, class.json
roster      tokens, roster.csv and roster.html (a QR code per link)
gateway     the front door: every HTTP and websocket request checked, then relayed to Voila
kernels     which page kernel is whose; the cap; freeing closed tabs' kernels
messages    the kernel messages a page may send (widget traffic, never code)
landing     the teacher's class page
session     starts and stops it all: anvil, Voila on loopback, the front door
load        the class load test (python -m grid class-load)
"""
