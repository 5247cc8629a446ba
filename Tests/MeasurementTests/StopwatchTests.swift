import Measurement
import Testing

@Suite("Stopwatch and timing statistics")
struct StopwatchTests {
    @Test("timing statistics: median of odd and even counts, extremes, CPU median")
    func timingStats() {
        let odd = TimingStats(samples: [3, 1, 2])
        #expect(odd.medianSeconds == 2 && odd.minSeconds == 1 && odd.maxSeconds == 3 && odd.runs == 3 && odd.cpuMedianSeconds == nil)
        let even = TimingStats(samples: [4, 1, 3, 2], cpuSamples: [8, 2, 6, 4])
        #expect(even.medianSeconds == 2.5 && even.cpuMedianSeconds == 5)
    }

    @Test("the stopwatch warms up for at least its warm-up time, then times the repetitions")
    func stopwatch() throws {
        var calls = 0
        let start = Stopwatch.now()
        let stats = Stopwatch.measure(repetitions: 4) { calls += 1 }
        #expect(Stopwatch.now() - start >= Stopwatch.warmUpSeconds)
        #expect(calls >= 5)
        #expect(stats.runs == 4)
        #expect(stats.minSeconds >= 0 && stats.minSeconds <= stats.medianSeconds && stats.medianSeconds <= stats.maxSeconds)
    }
}
