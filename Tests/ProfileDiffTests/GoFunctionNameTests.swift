import XCTest
import ProfileDiff

final class GoFunctionNameTests: XCTestCase {
    func testStandardLibraryAndRuntimeAreToldApartFromModules() {
        for function in ["runtime.malg", "internal/poll.runtime_pollWait", "net/http.(*conn).serve", "sync.(*Cond).Wait",
                         "vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", "0x4a2b3c"] {
            XCTAssertTrue(GoFunctionName.isRuntimeOrStandardLibrary(function), function)
        }
        for function in ["go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop", "main.main.func27",
                         "github.com/prometheus/prometheus/tsdb.(*memSeries).append", "google.golang.org/grpc.(*Server).serveStreams.func1"] {
            XCTAssertFalse(GoFunctionName.isRuntimeOrStandardLibrary(function), function)
        }
    }

    func testPackagePathEndsAtTheFirstDotAfterTheLastSlash() {
        XCTAssertEqual(GoFunctionName.packagePath(of: "go.etcd.io/etcd/mvcc.(*watchableStore).NewWatchStream.func1"), "go.etcd.io/etcd/mvcc")
        XCTAssertEqual(GoFunctionName.packagePath(of: "runtime.gopark"), "runtime")
    }

    func testFirstApplicationFrameSkipsRuntimeAndStandardLibraryLeaves() {
        let stack = CallStack(frames: ["runtime.malg", "runtime.newproc1", "google.golang.org/grpc/internal/transport.newHTTP2Server", "net/http.(*conn).serve"])
        XCTAssertEqual(stack.firstApplicationFrame, "google.golang.org/grpc/internal/transport.newHTTP2Server")
        XCTAssertEqual(CallStack(frames: ["runtime.gopark", "runtime.main"]).firstApplicationFrame, "runtime.gopark")
    }
}
