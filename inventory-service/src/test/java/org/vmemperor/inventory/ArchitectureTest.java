package org.vmemperor.inventory;

import org.vmemperor.common.testing.ArchitectureRules;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** This service's boundaries (DESIGN.md): common only, and XenAPI through common's facade. */
@AnalyzeClasses(packages = "org.vmemperor.inventory", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnCommonOnly = ArchitectureRules.serviceDependsOnCommonOnly("org.vmemperor.inventory");

    @ArchTest
    static final ArchRule xenApiSdkOnlyInCommonXenApi = ArchitectureRules.xenApiSdkOnlyInCommonXenApi();

    @ArchTest
    static final ArchRule routePathsWholeOnMethods = ArchitectureRules.routePathsWholeOnMethods();
}
