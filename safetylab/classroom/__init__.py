"""Class mode: a classroom server on JupyterHub, each learner's things kept apart and deleted after.

- :mod:`~safetylab.classroom.command` — ``safetylab class``: start a class (or end it).
- :mod:`~safetylab.classroom.hub` — inside JupyterHub: joining with a class code and a
  nickname, one private server per learner, the trainer's page, ending the class.
- :mod:`~safetylab.classroom.learner` — one learner's server: learner mode behind the hub's sign-in.
- :mod:`~safetylab.classroom.seat` — ready servers: a learner's server (and first lesson kernel)
  loaded while the class gathers, handed to a learner when they join.
- :mod:`~safetylab.classroom.tls` — HTTPS across a room: the local address and a certificate for it.
- :mod:`~safetylab.classroom.kubernetes` — the same class on a school's cluster (Zero to JupyterHub).

Nothing is imported until used: JupyterHub is an extra (``safetylab[class]``), and
does not run on Windows.

What this does *not* protect against: see each module; in short, learners on one
server share its operating-system user (Kubernetes gives each their own container),
and a browser's warning about the class's own certificate stays until checked by its
fingerprint.
"""

__all__ = ["command", "hub", "learner", "seat", "tls", "kubernetes"]
