package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.inmesh.policies.listener.Cidr;
import io.inmesh.policies.listener.NameTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NDS: Istio's name table ({@code istio.networking.nds.v1.NameTable}, istio's
 * {@code pkg/dns/proto/nds.proto}), which istiod sends to a proxy whose node metadata has
 * {@code DNS_CAPTURE=true}. No Java classes are generated for it; the message is small and read
 * with protobuf's {@link CodedInputStream}:
 *
 * <pre>
 * message NameTable {
 *   message NameInfo {
 *     repeated string ips = 1; string registry = 2; string shortname = 3; string namespace = 4;
 *     repeated string alt_hosts = 5;
 *   }
 *   map&lt;string, NameInfo&gt; table = 1;   // entries: key = 1, value = 2
 *   NameInfo name_info = 2;
 * }
 * </pre>
 *
 * Names are expanded as Istio's DNS proxy does: every host as it is; a Kubernetes service's
 * ({@code registry: Kubernetes}) {@code shortname.namespace} and {@code shortname.namespace.svc}
 * too, and its bare {@code shortname} when it is in the client's own namespace (node metadata
 * {@code NAMESPACE}); and any {@code alt_hosts}. Unparsable IPs are skipped, as Istio does.
 */
public final class NameTableResourceType
    extends ResourceType<NameTableResourceType.Entries, NameTable> {

  public static final String TYPE_URL = "type.googleapis.com/istio.networking.nds.v1.NameTable";

  private static final String KUBERNETES = "Kubernetes";
  /** Tags of length-delimited fields 1 and 2: (number << 3) | wire type 2. */
  private static final int FIELD_1_BYTES = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int FIELD_2_BYTES = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** The proto as read: host to its {@code NameInfo}. */
  public record Entries(Map<String, Info> table) {}

  /** {@code NameInfo}. */
  public record Info(List<String> ips, String registry, String shortname, String namespace,
      List<String> altHosts) {}

  private final String clientNamespace;

  /** @param clientNamespace the node's {@code NAMESPACE} metadata, or null */
  public NameTableResourceType(String clientNamespace) {
    this.clientNamespace = clientNamespace;
  }

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "NDS";
  }

  @Override
  public boolean absentMeansDeleted() {
    return true;
  }

  @Override
  protected Class<Entries> protoClass() {
    return Entries.class;
  }

  @Override
  protected String nameOf(Entries proto) {
    // istiod sends one unnamed table
    return "";
  }

  @Override
  protected Entries unpack(Any any) throws InvalidProtocolBufferException {
    try {
      return readTable(any.getValue().newCodedInput());
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  @Override
  protected NameTable parse(Entries proto) {
    Map<String, List<byte[]>> addresses = new LinkedHashMap<>();
    for (Map.Entry<String, Info> e : proto.table().entrySet()) {
      Info info = e.getValue();
      List<byte[]> ips = new ArrayList<>();
      for (String ip : info.ips()) {
        byte[] bytes = Cidr.literal(ip);
        if (bytes != null) {
          ips.add(bytes);
        }
      }
      if (ips.isEmpty()) {
        continue;
      }
      List<byte[]> shared = List.copyOf(ips);
      for (String name : names(e.getKey(), info)) {
        addresses.putIfAbsent(Names.intern(name.toLowerCase(Locale.ROOT)), shared);
      }
    }
    return new NameTable(addresses);
  }

  private List<String> names(String host, Info info) {
    List<String> names = new ArrayList<>();
    names.add(host);
    String svcDomain = "." + info.namespace() + ".svc.";
    if (KUBERNETES.equals(info.registry()) && !info.shortname().isEmpty()
        && !info.namespace().isEmpty() && host.startsWith(info.shortname() + svcDomain)) {
      names.add(info.shortname() + "." + info.namespace());
      names.add(info.shortname() + "." + info.namespace() + ".svc");
      if (info.namespace().equals(clientNamespace)) {
        names.add(info.shortname());
      }
    }
    names.addAll(info.altHosts());
    return names;
  }

  private static Entries readTable(CodedInputStream in) throws IOException {
    Map<String, Info> table = new LinkedHashMap<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return new Entries(table);
      }
      if (tag == FIELD_1_BYTES) {
        int limit = in.pushLimit(in.readRawVarint32());
        String key = "";
        Info value = null;
        while (true) {
          int entryTag = in.readTag();
          if (entryTag == 0) {
            break;
          }
          if (entryTag == FIELD_1_BYTES) {
            key = in.readStringRequireUtf8();
          } else if (entryTag == FIELD_2_BYTES) {
            int infoLimit = in.pushLimit(in.readRawVarint32());
            value = readInfo(in);
            in.popLimit(infoLimit);
          } else if (!in.skipField(entryTag)) {
            break;
          }
        }
        in.popLimit(limit);
        table.put(key, value != null ? value
            : new Info(List.of(), "", "", "", List.of()));
      } else if (!in.skipField(tag)) {
        return new Entries(table);
      }
    }
  }

  private static Info readInfo(CodedInputStream in) throws IOException {
    List<String> ips = new ArrayList<>();
    List<String> alt = new ArrayList<>();
    String registry = "";
    String shortname = "";
    String namespace = "";
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return new Info(ips, registry, shortname, namespace, alt);
      }
      int field = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
          ? WireFormat.getTagFieldNumber(tag) : 0;
      switch (field) {
        case 1 -> ips.add(in.readStringRequireUtf8());
        case 2 -> registry = in.readStringRequireUtf8();
        case 3 -> shortname = in.readStringRequireUtf8();
        case 4 -> namespace = in.readStringRequireUtf8();
        case 5 -> alt.add(in.readStringRequireUtf8());
        default -> {
          if (!in.skipField(tag)) {
            return new Info(ips, registry, shortname, namespace, alt);
          }
        }
      }
    }
  }
}
