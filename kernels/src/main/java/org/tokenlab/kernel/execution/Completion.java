package org.tokenlab.kernel.execution;

import java.util.List;

/** Completions for the text between {@code start} and {@code end} of a cell. */
public record Completion(List<String> matches, int start, int end) {}
