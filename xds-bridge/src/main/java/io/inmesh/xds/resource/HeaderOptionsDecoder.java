package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.inmesh.policies.header.AppendAction;
import io.inmesh.policies.header.HeaderAddition;
import io.inmesh.policies.header.HeaderMutations;
import io.inmesh.policies.header.HeaderValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code *_headers_to_add} / {@code *_headers_to_remove} of one level (weighted cluster, route,
 * virtual host, route configuration), and the merge of the levels into {@link HeaderMutations}.
 */
final class HeaderOptionsDecoder {

  private HeaderOptionsDecoder() {}

  /** One level's operations: removals first, then additions (Envoy's HeaderParser order). */
  static List<HeaderMutations.Operation> level(List<HeaderValueOption> add, List<String> remove,
      String where) throws ResourceException {
    List<HeaderMutations.Operation> ops = new ArrayList<>();
    for (String name : remove) {
      checkModifiable(name, where);
      ops.add(new HeaderMutations.Remove(name.toLowerCase(Locale.ROOT)));
    }
    for (HeaderValueOption o : add) {
      ops.add(new HeaderMutations.Add(addition(o, where)));
    }
    return ops;
  }

  static HeaderAddition addition(HeaderValueOption o, String where) throws ResourceException {
    String name = o.getHeader().getKey();
    checkModifiable(name, where);
    String raw = o.getHeader().getRawValue().isEmpty() ? o.getHeader().getValue()
        : o.getHeader().getRawValue().toString(StandardCharsets.UTF_8);
    AppendAction action;
    if (o.hasAppend()) {
      if (o.getAppendAction() != HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD) {
        throw new ResourceException(null, where + ": header '" + name
            + "' sets both append and append_action");
      }
      action = o.getAppend().getValue() ? AppendAction.APPEND_IF_EXISTS_OR_ADD
          : AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
    } else {
      action = switch (o.getAppendAction()) {
        case ADD_IF_ABSENT -> AppendAction.ADD_IF_ABSENT;
        case OVERWRITE_IF_EXISTS_OR_ADD -> AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
        case OVERWRITE_IF_EXISTS -> AppendAction.OVERWRITE_IF_EXISTS;
        case APPEND_IF_EXISTS_OR_ADD -> AppendAction.APPEND_IF_EXISTS_OR_ADD;
        default -> throw new ResourceException(null, where + ": header '" + name
            + "' has unknown append_action " + o.getAppendActionValue());
      };
    }
    HeaderValue value;
    try {
      value = HeaderValue.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ResourceException(null, where + ": header '" + name + "': " + e.getMessage());
    }
    return new HeaderAddition(name, value, action, o.getKeepEmptyValue());
  }

  /** Envoy refuses to add or remove pseudo-headers and Host. */
  private static void checkModifiable(String name, String where) throws ResourceException {
    if (name.isEmpty()) {
      throw new ResourceException(null, where + ": empty header name");
    }
    if (name.startsWith(":") || name.equalsIgnoreCase("host")) {
      throw new ResourceException(null, where + ": header '" + name
          + "' may not be modified (pseudo-headers and host)");
    }
  }

  /**
   * Merges levels given most specific first (weighted cluster, route, virtual host, route
   * configuration): applied in that order by default, so the least specific wins; reversed when
   * {@code most_specific_header_mutations_wins}.
   */
  @SafeVarargs
  static HeaderMutations merge(boolean mostSpecificWins,
      List<HeaderMutations.Operation>... mostSpecificFirst) {
    List<HeaderMutations.Operation> all = new ArrayList<>();
    if (mostSpecificWins) {
      for (int i = mostSpecificFirst.length - 1; i >= 0; i--) {
        all.addAll(mostSpecificFirst[i]);
      }
    } else {
      for (List<HeaderMutations.Operation> level : mostSpecificFirst) {
        all.addAll(level);
      }
    }
    return HeaderMutations.of(all);
  }
}
