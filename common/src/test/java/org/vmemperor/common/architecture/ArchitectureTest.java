package org.vmemperor.common.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.testing.ArchitectureRules;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.xensource.xenapi.VM;

/** common's boundaries; the fixtures below show the rules catch what they forbid. */
@AnalyzeClasses(packages = "org.vmemperor.common", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule commonDependsOnNoOtherModule = ArchitectureRules.commonDependsOnNoOtherModule();

    @ArchTest
    static final ArchRule xenApiSdkOnlyInCommonXenApi = ArchitectureRules.xenApiSdkOnlyInCommonXenApi();

    /** A class outside common's xenapi package holding an SDK type. */
    static class SdkOutsideXenApi {
        VM vm;
    }

    /** A class of common reaching into the simulator. */
    static class CommonUsingSimulator {
        org.vmemperor.simulator.XapiSimulator simulator;
    }

    @Test
    void sdkTypeOutsideXenApiPackageIsReported() {
        JavaClasses offender = new ClassFileImporter().importClasses(SdkOutsideXenApi.class);
        assertThatThrownBy(() -> ArchitectureRules.xenApiSdkOnlyInCommonXenApi().check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(SdkOutsideXenApi.class.getName())
                .hasMessageContaining(VM.class.getName());
    }

    @Test
    void commonUsingTheSimulatorIsReported() {
        JavaClasses offender = new ClassFileImporter().importClasses(CommonUsingSimulator.class);
        assertThatThrownBy(() -> ArchitectureRules.commonDependsOnNoOtherModule().check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.vmemperor.simulator.XapiSimulator");
    }

    @Test
    void serviceUsingAnotherServiceIsReported() {
        // common's test classes stand in for a "service" here: they use the simulator, which no service may
        JavaClasses offender = new ClassFileImporter().importClasses(CommonUsingSimulator.class);
        assertThatThrownBy(() -> ArchitectureRules.serviceDependsOnCommonOnly("org.vmemperor.common.architecture")
                .check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.vmemperor.simulator.XapiSimulator");
    }

    @ArchTest
    static final ArchRule routePathsWholeOnMethods = ArchitectureRules.routePathsWholeOnMethods();
}
