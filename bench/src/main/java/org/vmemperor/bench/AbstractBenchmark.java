package org.vmemperor.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vmemperor.common.security.UserPrincipal;

/**
 * What every benchmark here shares: one state for the whole run, the average time of a call in nanoseconds, the same
 * short warm-up and measurement in one fork (JMH's annotations are inherited), and the member the requests are made
 * as. The member is an instance field, not a constant, so that the JIT cannot fold it into the measured code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class AbstractBenchmark {

    protected UserPrincipal member = new UserPrincipal("users/0b6f9a1e-1111-4111-8111-000000000001", "Member",
            "member", List.of("groups/3f0c6f62-0d43-4d5c-9b4c-5b8f9c4f0a11"), false);
}
