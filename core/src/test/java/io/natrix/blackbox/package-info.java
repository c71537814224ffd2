/**
 * Black-box tests: they use only Natrix's public API, as an application would (nats.go's {@code micro_test}
 * does the same for its services package). A test that must look inside (a package-private class, a reflective
 * hook) lives in {@code io.natrix} beside the code it checks; one that can be written from outside belongs here,
 * so that the public API is proven to be enough for it.
 */
package io.natrix.blackbox;
