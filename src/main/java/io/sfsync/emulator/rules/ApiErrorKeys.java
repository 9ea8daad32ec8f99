package io.sfsync.emulator.rules;

/** Keys of extra error properties that the REST and SaveResult shapes spell differently. */
public final class ApiErrorKeys {
    /** Neutral key; single-record REST responses spell it "duplicateResut" (sic), SaveResults "duplicateResult". */
    public static final String DUPLICATE_RESULT = "duplicateResult";

    private ApiErrorKeys() {
    }
}
