package io.inmesh.xds.resource;

/** One accepted resource of a response: its name and its immutable parsed value. */
public record Decoded<T>(String name, T value) {}
