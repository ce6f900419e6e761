//! Black-box tests across services on real servers live in `tests/`; this
//! library holds what they share.
