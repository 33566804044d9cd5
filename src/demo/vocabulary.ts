/**
 * Words the demo builds names and free text from. All made up; none names a real school or provider.
 */
export const AUTHORITIES = [
  { laCode: '802', name: 'North Somerset', variant: 0, share: 25, postcodes: [20, 21, 22, 23, 24, 48, 49] },
  { laCode: '801', name: 'Bristol', variant: 1, share: 45, postcodes: [1, 2, 3, 4, 5, 7, 9, 13, 14] },
  {
    laCode: '803',
    name: 'South Gloucestershire',
    variant: 2,
    share: 30,
    postcodes: [16, 30, 32, 34, 35, 37],
  },
] as const;

export const SCHOOL_STEMS = [
  'Ashcombe',
  'Brookfield',
  'Castle Hill',
  'Churchwood',
  'Downend Vale',
  'Elmgrove',
  'Fairfield',
  'Gorse Hill',
  'Hazelmead',
  'Hillside',
  'Kingsdown',
  'Lakeside',
  'Longmead',
  'Marshfield Road',
  'Meadowbrook',
  'Millbrook',
  'Northleaze',
  'Oakfield',
  'Orchard Vale',
  'Parkway',
  'Priory',
  'Queensway',
  'Redland Green',
  'Ridgeway',
  'St Aidan',
  'St Brendan',
  'St Katherine',
  'St Nicholas',
  'Severn Vale',
  'Stonebridge',
  'Summerhill',
  'Thornbury Road',
  'Trinity',
  'Uplands',
  'Westbrook',
  'Whitecross',
  'Willowdown',
  'Woodlands',
  'Yeo Valley',
  'Avonside',
  'Beechwood',
  'Cedar Park',
  'Clevedon Road',
  'Coombe Dale',
  'Filton Park',
  'Greenbank',
  'Hanham Lane',
  'Kewstoke',
  'Lodge Hill',
  'Mendip View',
  'Nailsea Park',
  'Pill Road',
  'Portway',
  'Sandford',
  'Southmead',
  'Tyndale',
  'Winford',
  'Wraxall',
] as const;

export const PROVIDER_STEMS = [
  'Acorn',
  'Anchor',
  'Bright Path',
  'Clear Horizon',
  'Compass',
  'Crossroads',
  'Evergreen',
  'Fresh Start',
  'Harbour',
  'Heartwood',
  'Keystone',
  'Lighthouse',
  'New Leaf',
  'North Star',
  'Open Door',
  'Pathfinder',
  'Riverbank',
  'Second Chance',
  'Springboard',
  'Stepping Stones',
  'Stronger Futures',
  'Tall Oaks',
  'Turning Point',
  'Waymark',
  'Wildwood',
  'Young Roots',
  'Hilltop',
  'Blue Sky',
  'Cornerstone',
  'Elevate',
  'Foundry',
  'Greenway',
  'Kindling',
  'Launchpad',
  'Momentum',
  'Oakheart',
  'Pioneer',
  'Quarry Lane',
  'Rising Tide',
  'Seedling',
  'Threshold',
  'Unity',
  'Vantage',
  'Wayfarer',
  'Bramble',
  'Copse',
  'Driftwood',
  'Ember',
  'Fernhill',
  'Hawthorn',
  'Ironbridge',
  'Juniper',
  'Kestrel',
  'Larkspur',
  'Merlin',
  'Nettlebed',
  'Otterbrook',
  'Peregrine',
  'Rowan',
  'Sparrowhawk',
] as const;

export type Lot = 'full_time' | 'part_time' | 'in_school';
export type Risk = 'low' | 'medium' | 'high';

/** Forms of provision; the form is carried in the provider's name, since the import has no column for it. */
export const PROVIDER_FORMS: readonly {
  form: string;
  suffix: string;
  risk: Risk;
  lots: readonly Lot[];
  professional?: boolean;
  motor?: boolean;
  online?: boolean;
  weight: number;
}[] = [
  {
    form: 'mentoring',
    suffix: 'Mentoring',
    risk: 'low',
    lots: ['part_time', 'in_school'],
    professional: true,
    weight: 4,
  },
  {
    form: 'small group',
    suffix: 'Learning Centre',
    risk: 'low',
    lots: ['full_time', 'part_time'],
    weight: 4,
  },
  { form: 'forest school', suffix: 'Forest School', risk: 'medium', lots: ['part_time'], weight: 2 },
  { form: 'equine', suffix: 'Equine Learning', risk: 'medium', lots: ['part_time'], weight: 2 },
  {
    form: 'vocational construction',
    suffix: 'Construction Skills',
    risk: 'high',
    lots: ['full_time', 'part_time'],
    weight: 2,
  },
  {
    form: 'vocational motor vehicles',
    suffix: 'Motor Skills',
    risk: 'high',
    lots: ['full_time', 'part_time'],
    motor: true,
    weight: 2,
  },
  {
    form: 'vocational hair and beauty',
    suffix: 'Hair and Beauty Academy',
    risk: 'medium',
    lots: ['part_time'],
    weight: 1,
  },
  { form: 'care farm', suffix: 'Care Farm', risk: 'high', lots: ['part_time'], weight: 1 },
  { form: 'sport', suffix: 'Boxing and Sport', risk: 'medium', lots: ['part_time', 'in_school'], weight: 2 },
  {
    form: 'creative arts',
    suffix: 'Arts Collective',
    risk: 'low',
    lots: ['part_time', 'in_school'],
    weight: 1,
  },
  {
    form: 'online tuition',
    suffix: 'Online Tuition',
    risk: 'low',
    lots: ['full_time', 'part_time'],
    online: true,
    weight: 1,
  },
  {
    form: 'therapeutic',
    suffix: 'Therapeutic Education',
    risk: 'low',
    lots: ['part_time', 'in_school'],
    professional: true,
    weight: 2,
  },
];

export const OBJECTIVES = [
  'Re-engage with learning and rebuild a daily routine',
  'Improve attendance and punctuality',
  'Gain Functional Skills English and maths at Level 1',
  'Manage anxiety well enough to return to the classroom',
  'Reduce incidents of dysregulated behaviour, with strategies that transfer to school',
  'Build confidence, self-esteem and positive relationships with adults',
  'Work towards a vocational qualification and a post-16 place',
  'Keep up with the school curriculum while medical needs are met',
] as const;

export const SUCCESS_CRITERIA = [
  'Attendance above 90% over the placement',
  'Functional Skills Level 1 achieved in English and maths',
  'Phased return to full timetable in school by the planned end date',
  'No suspensions during the placement',
  'Post-16 place confirmed before the end of Year 11',
  'Pupil reports feeling safe, and school staff see the change in class',
] as const;

export const TARGETS = {
  academic: [
    'Functional Skills English Entry Level 3',
    'Functional Skills English Level 1',
    'Functional Skills maths Level 1',
    'GCSE English Language, grade 4',
    'GCSE maths, grade 3 or above',
    'AQA Unit Award in practical skills',
    'BTEC Level 1 Introductory Certificate',
    'Reading age within two years of chronological age',
  ],
  attendance: [
    'Attendance above 90%',
    'Arrive on time every morning',
    'Attend every timetabled session for six weeks',
  ],
  behaviour: [
    'No physical incidents for a half term',
    'Use agreed calm-down strategies, with staff, when frustrated',
    'Follow instructions first time in practical sessions',
  ],
  attitude: [
    'Take part in group work, at least once a session',
    'Speak about plans after Year 11',
    'Try new tasks, rather than refusing',
  ],
  other: [
    'Travel to the provision independently',
    'Complete CSCS card training',
    'Cook a meal for the group',
  ],
} as const;

export const REVIEW_NOTES = [
  'Settled well; staff report a positive relationship with the key worker.',
  'Attendance has dipped since half term, parents contacted.',
  'Progress towards Functional Skills English, reading more confidently.',
  'Two incidents this half term, both de-escalated; plan updated.',
  'Pupil says the small group helps, and wants to carry on.',
  '',
  '',
  '',
] as const;

export const VISIT_NOTES = [
  'Annual quality assurance visit, framework standards met.',
  'Site walk-round with the competent person; workshop guarding checked.',
  'Risk assessments seen, two to be updated for the new site.',
  'Attendance registers checked against returns, no gaps.',
  '',
  '',
] as const;

export const COLLEGES = [
  'Severnside College',
  'Avon Vale Sixth Form',
  'Mendip Technical College',
  'Kingswood Training Centre',
  'Westcoast Apprenticeships',
] as const;

/** Aims that only make sense near the end of compulsory school (post-16 plans, GCSEs, vocational). */
const KEY_STAGE_4_ONLY = /post-16|Year 11|GCSE|BTEC|CSCS|vocational/i;

/** The items of `list` suited to a pupil in national curriculum year `year`. */
export function suitedTo<T extends string>(list: readonly T[], year: number): T[] {
  return year >= 10 ? [...list] : list.filter((item) => !KEY_STAGE_4_ONLY.test(item));
}
