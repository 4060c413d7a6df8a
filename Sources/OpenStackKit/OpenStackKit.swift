/// OpenStackKit: Keystone (v2.0 and v3), Nova, Neutron, Glance and the metadata
/// service, over one HTTP transport with retries and a request counter.
public enum OpenStackKit {}
