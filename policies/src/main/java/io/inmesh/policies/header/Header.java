package io.inmesh.policies.header;

/** One header, name lower-case. */
public record Header(String name, String value) {}
