"""The Today page's words about goals and readings that need attention, in one place for review.

Thresholds and their sources are in ``resources/knowledge/lifestyle/ranges.json``; these sentences
only name them. Each ends with what to do, and none diagnoses.
"""

BP_STAGE2 = (
    "Your blood pressure readings of the last 7 days average {bp}. That is in the range the 2017 "
    "ACC/AHA guideline calls stage 2 high blood pressure (140/90 or higher). Talk to your doctor "
    "about these readings soon."
)
BP_STAGE1 = (
    "Your blood pressure readings of the last 7 days average {bp}. That is in the range the 2017 "
    "ACC/AHA guideline calls stage 1 high blood pressure (130–139 or 80–89). Mention it at your "
    "next doctor visit."
)
BP_ONE_HIGH = (
    "Your blood pressure readings, all from one day, average {bp}, which is high. One day is not "
    "enough to tell: measure again on another day, sitting quietly for 5 minutes first."
)
BP_FOOTNOTE = "The guideline's categories use the average of several readings on different days."
HR_HIGH = (
    "Your resting heart rate of the last 7 days averages {value} beats a minute, above the usual "
    "60 to 100 (Mayo Clinic). Talk to your doctor if it stays above 100, and at once if you feel "
    "faint, dizzy or short of breath."
)
HR_LOW = (
    "Your resting heart rate of the last 7 days averages {value} beats a minute, below the usual "
    "60 to 100 (Mayo Clinic). That can be normal for people who are very fit; talk to your doctor "
    "if you also feel faint, dizzy or short of breath."
)
SLEEP_SHORT = (
    "You slept {value} hours a night on average over the last 7 nights. The American Academy of "
    "Sleep Medicine recommends 7 hours or more for adults."
)
GOAL_NO_RECENT = "No {what} reading for {days} days. Your goal can only be followed with new readings."
NOTHING = "Nothing needs your attention right now."
NOTHING_YET = "Add a measurement above and this page will start to show how you are doing."

GOAL_TITLES = {
    "at_most": "{label}: {value} or less",
    "at_least": "{label}: {value} or more",
    "daily_total": "{value} {noun} a day",
    "weekly_total": "{value} {noun} a week",
}
TOTAL_NOUNS = {
    "steps": "steps",
    "active_minutes": "active minutes",
    "sleep_hours": "hours of sleep",
    "alcohol_drinks": "drinks",
    "fruit_veg_servings": "servings of fruit and vegetables",
}
BP_GOAL_TITLE = "Blood pressure: {value} or lower"
GOAL_WEEK = "{done} of {goal} so far this week"
GOAL_DAY = "{done} of {goal} today"
GOAL_AVERAGE = "Average of the last 7 days: {value}"
GOAL_LATEST = "Latest: {value}"
GOAL_TO_GO = "{left} to go"
GOAL_MET = "Goal met"
GOAL_NOT_MET = "Not there yet"
GOAL_NO_DATA = "No readings in the last 7 days"
