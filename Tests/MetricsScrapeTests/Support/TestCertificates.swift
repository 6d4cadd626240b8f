import Foundation

/// A throw-away PKI made with `openssl` for the mTLS tests: a CA, a server certificate for
/// `IP:127.0.0.1` and `DNS:etcd.test`, a client certificate, and an unrelated second CA.
struct TestCertificates {
    let caFile: String
    let serverCertFile: String
    let serverKeyFile: String
    let clientCertFile: String
    let clientKeyFile: String
    let otherCAFile: String

    init(in directory: URL) throws {
        let openssl = "/usr/bin/openssl"
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func run(_ arguments: [String]) throws { try runCommand(openssl, arguments, in: directory, debianPackage: "openssl") }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try run(["req", "-x509"] + ec + ["-keyout", path("\(ca).key"), "-out", path("\(ca).pem"), "-days", "2",
                                             "-subj", "/CN=soak-test-\(ca)"])
        }
        try "subjectAltName=IP:127.0.0.1,DNS:etcd.test\nextendedKeyUsage=serverAuth,clientAuth\n"
            .write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: path("client.ext"), atomically: true, encoding: .utf8)
        for (name, subject) in [("server", "/CN=etcd-server"), ("client", "/CN=soak-scraper")] {
            try run(["req"] + ec + ["-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject])
            try run(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-out", path("\(name).pem"), "-days", "2", "-extfile", path("\(name).ext")])
        }
        caFile = path("ca.pem")
        serverCertFile = path("server.pem")
        serverKeyFile = path("server.key")
        clientCertFile = path("client.pem")
        clientKeyFile = path("client.key")
        otherCAFile = path("other-ca.pem")
    }
}
