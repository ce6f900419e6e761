//! The routes driven through the router: the specification's example
//! documents (in `fixtures/`) against what the routes answer.
