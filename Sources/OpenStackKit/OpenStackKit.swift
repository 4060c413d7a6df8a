/// OpenStackKit: Keystone (v2.0 and v3), Nova, Neutron, Glance and the metadata
/// service, over one HTTP transport with retries and a request counter.
///
/// How the parts fit: `Credentials.resolve` finds credentials (flags > `OS_*` >
/// clouds.yaml > ~/.power_mitten); `OpenStackClient` owns an `OpenStackTransport`
/// (AsyncHTTPClient, `RetryPolicy`, `RequestCounter`) and a `TokenCache` fed by
/// `KeystoneAuthenticator`; `compute`, `network` and `image` are thin clients that
/// find their endpoint in the token's `ServiceCatalog`. `MetadataClient` runs inside
/// a VM. Every failure is an `OpenStackError`.
public enum OpenStackKit {}
