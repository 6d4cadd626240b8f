import Hummingbird

/// Answers 401 to any request without `Authorization: Bearer <token>`, except the public paths.
///
/// By default `/healthz` and `/-/ready` stay open so kubelet and load-balancer probes, which
/// cannot carry a secret easily, keep working; they reveal only "ok" and the readiness reasons.
/// `web.public_paths` may add `/metrics` for a Prometheus that does not hold the token.
/// The presented token is never logged or echoed.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BearerToken
    /// Paths served without a token.
    let publicPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if publicPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let presented = BearerToken.credential(fromAuthorization: request.headers[.authorization]),
              token.matches(presented) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = #"Bearer realm="soakmonitor""#
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: .unauthorized, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "unauthorized: a bearer token is required\n")))
        }
        return try await next(request, context)
    }
}
