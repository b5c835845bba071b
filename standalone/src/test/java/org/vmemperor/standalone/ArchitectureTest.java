package org.vmemperor.standalone;

import org.vmemperor.common.testing.ArchitectureRules;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The standalone assembles every service (and may start the simulator), but speaks XenAPI only through common. */
@AnalyzeClasses(packages = "org.vmemperor.standalone", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule xenApiSdkOnlyInCommonXenApi = ArchitectureRules.xenApiSdkOnlyInCommonXenApi();
}
