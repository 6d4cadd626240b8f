import PromQL
import XCTest

final class ParserTests: XCTestCase {
    private func parseError(_ query: String) -> PromQLError? {
        do {
            _ = try Parser.parse(query)
            return nil
        } catch {
            return error
        }
    }

    func testErrorsNameLineAndColumn() {
        XCTAssertEqual(parseError("rate(foo[5m]")?.message,
                       "1:13: parse error: unexpected end of input in argument list, expected \",\" or \")\"")
        XCTAssertEqual(parseError("sum(foo) by (a")?.message,
                       "1:15: parse error: unexpected end of input in grouping opts, expected \",\" or \")\"")
        XCTAssertEqual(parseError("foo{a=~\"(\"}")?.kind, .badData)
        XCTAssertTrue(parseError("foo{a=~\"(\"}")!.message.hasPrefix("1:8: parse error: bad regular expression"))
        XCTAssertEqual(parseError("foo +\n  $")?.message, "2:3: parse error: unexpected character: '$'")
    }

    func testTypeErrorsAreParseErrors() {
        XCTAssertEqual(parseError("rate(foo)")?.message,
                       "1:1: parse error: expected type range vector in call to function \"rate\", got instant vector")
        XCTAssertEqual(parseError("1 > 2")?.message, "1:3: parse error: comparisons between scalars must use BOOL modifier")
        XCTAssertEqual(parseError("foo and 1")?.message,
                       "1:5: parse error: set operator \"and\" not allowed in binary scalar expression (right operand)")
        XCTAssertEqual(parseError("{a=\"\"}")?.message,
                       "1:1: parse error: vector selector must contain at least one non-empty matcher")
        XCTAssertEqual(parseError("sum(foo[5m])")?.message,
                       "1:1: parse error: expected type instant vector in aggregation expression, got range vector")
        XCTAssertEqual(parseError("nosuch(foo)")?.message, "1:1: parse error: unknown function with name \"nosuch\"")
    }

    func testConstructsOutsideTheSubsetAreNamed() {
        XCTAssertEqual(parseError("sort(foo)")?.unsupportedConstruct, "function sort")
        XCTAssertEqual(parseError("rate(foo[5m:1m])")?.unsupportedConstruct, "subquery")
        XCTAssertEqual(parseError("foo @ 100")?.unsupportedConstruct, "@ modifier")
        XCTAssertEqual(parseError("stddev(foo)")?.unsupportedConstruct, "aggregation stddev")
        XCTAssertEqual(parseError("a atan2 b")?.unsupportedConstruct, "operator atan2")
        XCTAssertEqual(parseError("sort(foo)")?.kind, .badData)
        XCTAssertNil(parseError("nosuch(foo)")?.unsupportedConstruct)
    }

    func testPrecedenceFollowsPrometheus() throws {
        let engine = Engine(storage: MemoryStorage())
        func scalar(_ q: String) throws -> Double {
            guard case .scalar(let v) = try engine.instantQuery(q, atMs: 0) else { throw ScriptError("not a scalar: \(q)") }
            return v
        }
        XCTAssertEqual(try scalar("-2 ^ 2"), -4)       // unary minus binds looser than ^
        XCTAssertEqual(try scalar("2 ^ 3 ^ 2"), 512)   // ^ is right-associative
        XCTAssertEqual(try scalar("10 - 4 - 3"), 3)    // - is left-associative
        XCTAssertEqual(try scalar("1 + 2 * 3 % 4"), 3)
        XCTAssertEqual(try scalar("2 > bool 1 + 3"), 0) // comparison binds looser than +
        XCTAssertEqual(try scalar("0x1f + .5"), 31.5)
    }

    func testSelectorsModifiersAndGrouping() throws {
        let expr = try Parser.parse("sum without (instance) (rate(http_requests_total{job=~\"api|web\", code!=\"200\"}[5m] offset -1h))")
        guard case .aggregate(.sum, let inner, nil, let grouping, true) = expr,
              case .call(let function, let args) = inner, case .matrixSelector(let selector, 300_000) = args[0] else {
            return XCTFail("unexpected tree \(expr)")
        }
        XCTAssertEqual(grouping, ["instance"])
        XCTAssertEqual(function.name, "rate")
        XCTAssertEqual(selector.offsetMs, -3_600_000)
        XCTAssertEqual(selector.matchers.map(\.description),
                       ["__name__=\"http_requests_total\"", "job=~\"api|web\"", "code!=\"200\""])
    }

    func testDurations() {
        XCTAssertEqual(PromDuration.milliseconds("1h30m"), 5_400_000)
        XCTAssertEqual(PromDuration.milliseconds("250ms"), 250)
        XCTAssertEqual(PromDuration.milliseconds("2d"), 172_800_000)
        XCTAssertNil(PromDuration.milliseconds("30m1h"))
        XCTAssertNil(PromDuration.milliseconds("5"))
        XCTAssertEqual(PromDuration.format(milliseconds: 5_400_000), "1h30m")
    }
}
