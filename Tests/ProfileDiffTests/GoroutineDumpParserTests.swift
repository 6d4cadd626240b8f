import XCTest
@testable import ProfileDiff

final class GoroutineDumpParserTests: XCTestCase {
    private let debug1 = """
    goroutine profile: total 7
    5 @ 0x43ef76 0x44ee1c 0xb41477 0x470541
    #\t0xb41476\tgo.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop+0xd6\t\tgo.etcd.io/etcd/etcdserver/api/v3rpc/watch.go:235
    #\t0xb41999\tgo.etcd.io/etcd/etcdserver/api/v3rpc.(*watchServer).Watch.func1+0x19\tgo.etcd.io/etcd/etcdserver/api/v3rpc/watch.go:180

    2 @ 0x40e8f4 0x46c92f
    # labels: {"job":"x"}
    #\t0x46c92e\tos/signal.signal_recv+0x2e\truntime/sigqueue.go:152
    #\t0x76e5d8\tos/signal.loop+0x18\t\tos/signal/signal_unix.go:23

    """

    func testDebug1CountsPerStackWithOffsetsAndAddressesStripped() throws {
        let profile = try GoroutineDumpParser.parse(Array(debug1.utf8))
        XCTAssertEqual(profile.kind, .goroutine)
        XCTAssertEqual(profile.sampleTypes, [.init(type: "goroutine", unit: "count")])
        XCTAssertEqual(profile.values[CallStack(frames: [
            "go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop",
            "go.etcd.io/etcd/etcdserver/api/v3rpc.(*watchServer).Watch.func1",
        ])], [5])
        XCTAssertEqual(profile.values[CallStack(frames: ["os/signal.signal_recv", "os/signal.loop"])], [2])
        XCTAssertEqual(profile.values.count, 2)
    }

    func testDebug2GroupsGoroutinesByFunctionsWithArgumentsAndRuntimeLeafStripped() throws {
        let dump = """
        goroutine 17 [select, 3 minutes]:
        runtime.gopark(0xc0000a8f48?, 0x2?, 0x0?, 0x0?, 0xc0000a8f1c?)
        \t/usr/lib/go/src/runtime/proc.go:363 +0xd6
        runtime.selectgo(0xc0000a8f48, 0xc0000a8f18, 0x0?, 0x0, 0x0?, 0x1)
        \t/usr/lib/go/src/runtime/select.go:328 +0x7bc
        go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop(0xc000230000)
        \tgo.etcd.io/etcd/etcdserver/api/v3rpc/watch.go:235 +0xd6
        created by go.etcd.io/etcd/etcdserver/api/v3rpc.(*watchServer).Watch in goroutine 12
        \tgo.etcd.io/etcd/etcdserver/api/v3rpc/watch.go:170 +0x2c5

        goroutine 18 [select]:
        runtime.gopark(0x1?, 0x2?, 0x0?, 0x0?, 0x1?)
        \t/usr/lib/go/src/runtime/proc.go:363 +0xd6
        go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop(0xc000990000)
        \tgo.etcd.io/etcd/etcdserver/api/v3rpc/watch.go:235 +0xd6
        created by go.etcd.io/etcd/etcdserver/api/v3rpc.(*watchServer).Watch
        \tgo.etcd.io/etcd/etcdserver/api/v3rpc/watch.go:170 +0x2c5

        goroutine 1 [running]:
        net/http.(*conn).serve(0xc000123456, {0x7f8e40, 0xc0001a2b3c})
        \tnet/http/server.go:1995 +0x612
        ...additional frames elided...
        """
        let profile = try GoroutineDumpParser.parse(Array(dump.utf8))
        XCTAssertEqual(profile.values[CallStack(frames: ["go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop"])], [2])
        XCTAssertEqual(profile.values[CallStack(frames: ["net/http.(*conn).serve"])], [1])
        XCTAssertEqual(profile.values.count, 2)
    }

    func testDebug1AndDebug2OfOneRealPrometheusGiveTheSameStacks() throws {
        let one = try GoroutineDumpParser.parse(Fixture.bytes("prometheus-goroutine-debug1.txt"))
        let two = try GoroutineDumpParser.parse(Fixture.bytes("prometheus-goroutine-debug2.txt"))
        XCTAssertEqual(one.values.values.reduce(0) { $0 + $1[0] }, 28)
        XCTAssertEqual(two.values.values.reduce(0) { $0 + $1[0] }, 28)
        // The dumps were taken one after the other: the goroutine serving each runs different code,
        // and the connection's background reader was in a syscall for one of them. All others match.
        var unmatched = 0
        for stack in Set(one.values.keys).union(two.values.keys) {
            unmatched += Int(abs((one.values[stack]?[0] ?? 0) - (two.values[stack]?[0] ?? 0)))
        }
        XCTAssertLessThanOrEqual(unmatched, 4, "goroutines in stacks only one form has")
        XCTAssertGreaterThan(Set(one.values.keys).intersection(two.values.keys).count, 20)
    }

    func testMalformedLinesAreErrorsWithTheirLineNumber() {
        let cases: [(String, Int)] = [
            ("goroutine profile: total 1\nfive @ 0x1\n", 2),
            ("goroutine profile: total 1\n1 @ 0x1\n#\tnot-an-address\tf+0x1\tfile.go:1\n", 3),
            ("goroutine profile: total 1\n#\t0x1\tf+0x1\tfile.go:1\n", 2),
            ("goroutine 1 [running]:\nmain.main\n", 2),
            ("goroutine 1 [running]:\n\tmain.go:3 +0x1\n", 2),
            ("goroutine 1 running\n", 1),
            ("hello\n", 1),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try GoroutineDumpParser.parse(Array(text.utf8)), text) { error in
                let error = error as! EvidenceDecodeError
                XCTAssertEqual(error.kind, .goroutineDump, text)
                XCTAssertEqual(error.line, line, "\(text) → \(error)")
            }
        }
    }
}
